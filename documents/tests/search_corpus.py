"""A test set for search relevance: twelve administrative documents of a provincial People's Committee
meeting (kế hoạch, báo cáo, tờ trình, quyết định, biên bản, công văn) that share most of their
vocabulary, and the phrases a reader would type to find each one."""

from __future__ import annotations

from typing import Any

from documents.models import Document, DocumentVersion
from documents.search import fold
from documents.tests.test_viewer import add_document

# key: (title, pages, OCR pages). An empty page list means a text without pages. The year's report
# and work programme, which name every topic, are uploaded first.
DOCUMENTS: dict[str, tuple[str, list[str], list[int]]] = {
    "kinh_te_xa_hoi": (
        "Báo cáo tình hình kinh tế - xã hội năm 2025 và nhiệm vụ, giải pháp năm 2026",
        [
            "BÁO CÁO Tình hình kinh tế - xã hội năm 2025. Tổng sản phẩm trên địa bàn tăng 9,2%. Thu ngân sách "
            "nhà nước đạt 28.500 tỷ đồng; chi ngân sách bảo đảm các nhiệm vụ chi thường xuyên và chi đầu tư.",
            "Công tác đầu tư: giải ngân vốn đầu tư công đạt 95% kế hoạch vốn được giao; các dự án trọng điểm "
            "như đường ven biển, cầu Non Nước đang triển khai; công tác giải phóng mặt bằng còn chậm, giá đất "
            "bồi thường chưa sát thực tế.",
            "Chuyển đổi số được đẩy mạnh: tỷ lệ hồ sơ trực tuyến tăng; hệ thống họp không giấy vận hành ổn định; "
            "cán bộ, công chức được đào tạo. Văn hóa, du lịch: tổ chức thành công lễ hội đầu năm; khu du lịch "
            "Tràng An đón 5 triệu lượt khách.",
            "Phòng, chống thiên tai: chủ động ứng phó 3 cơn bão; công tác cứu nạn kịp thời. An toàn thực phẩm "
            "được kiểm tra thường xuyên, không để xảy ra ngộ độc tập thể. Hoàn thành sắp xếp đơn vị hành chính "
            "cấp xã theo kế hoạch; sửa đổi quy chế làm việc của các cơ quan.",
        ],
        [],
    ),
    "chuong_trinh": (
        "Chương trình công tác năm 2026 của Ủy ban nhân dân tỉnh",
        [
            "CHƯƠNG TRÌNH CÔNG TÁC NĂM 2026. Tháng 1: Kế hoạch tổ chức Lễ hội Tràng An năm 2026; Kế hoạch "
            "chuyển đổi số tỉnh Ninh Bình năm 2026. Tháng 3: Tờ trình về việc phê duyệt chủ trương đầu tư dự "
            "án đường ven biển đoạn qua huyện Kim Sơn.",
            "Tháng 6: Báo cáo tình hình thực hiện dự toán ngân sách nhà nước 6 tháng đầu năm. Tháng 7: Kế hoạch "
            "đầu tư công năm 2027. Tháng 9: Báo cáo công tác phòng, chống thiên tai. Tháng 12: kiểm điểm "
            "việc thực hiện quy chế làm việc và chương trình công tác năm.",
        ],
        [],
    ),
    "dau_tu_cong": (
        "Kế hoạch đầu tư công trung hạn giai đoạn 2026-2030 của tỉnh Ninh Bình",
        [
            "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH. KẾ HOẠCH Đầu tư công trung hạn giai đoạn 2026-2030. "
            "Căn cứ Luật Đầu tư công; căn cứ Nghị quyết của Hội đồng nhân dân tỉnh về nguyên tắc, tiêu chí "
            "và định mức phân bổ vốn đầu tư công nguồn ngân sách địa phương giai đoạn 2026-2030.",
            "Tổng nhu cầu vốn đầu tư công trung hạn của tỉnh là 45.000 tỷ đồng, trong đó vốn ngân sách "
            "trung ương 12.000 tỷ đồng, vốn ngân sách địa phương 33.000 tỷ đồng. Ưu tiên bố trí vốn để thanh "
            "toán nợ đọng xây dựng cơ bản, các dự án chuyển tiếp, sau đó mới đến danh mục dự án khởi công mới.",
            "Giao Sở Tài chính chủ trì, phối hợp với các sở, ban, ngành và Ủy ban nhân dân các xã, phường "
            "tổng hợp, báo cáo Ủy ban nhân dân tỉnh trước ngày 15 tháng 7 hằng năm.",
        ],
        [],
    ),
    "du_toan": (
        "Báo cáo tình hình thực hiện dự toán ngân sách nhà nước năm 2025",
        [
            "BÁO CÁO Tình hình thực hiện dự toán ngân sách nhà nước năm 2025 và dự kiến dự toán năm 2026. "
            "Tổng thu ngân sách nhà nước trên địa bàn ước đạt 28.500 tỷ đồng, bằng 112% dự toán.",
            "Thu tiền sử dụng đất đạt thấp do thị trường bất động sản trầm lắng. Chi thường xuyên được "
            "kiểm soát chặt chẽ, tiết kiệm 10% chi thường xuyên để thực hiện cải cách tiền lương.",
            "Kiến nghị Ủy ban nhân dân tỉnh chỉ đạo đẩy nhanh tiến độ giải ngân vốn đầu tư công và "
            "tăng cường chống thất thu thuế, nhất là thu từ hoạt động thương mại điện tử.",
        ],
        [],
    ),
    "ven_bien": (
        "Tờ trình về việc phê duyệt chủ trương đầu tư dự án đường ven biển đoạn qua huyện Kim Sơn",
        [
            "TỜ TRÌNH Về việc phê duyệt chủ trương đầu tư dự án đường ven biển đoạn qua huyện Kim Sơn. "
            "Kính gửi: Ủy ban nhân dân tỉnh. Sở Xây dựng kính trình Ủy ban nhân dân tỉnh xem xét.",
            "Quy mô: đường cấp III đồng bằng, chiều dài khoảng 18 km, nền đường rộng 12 m, cầu vĩnh cửu. "
            "Tổng mức đầu tư dự kiến 2.350 tỷ đồng từ nguồn vốn ngân sách trung ương và ngân sách tỉnh.",
            "Công tác giải phóng mặt bằng do Ủy ban nhân dân huyện Kim Sơn thực hiện; thời gian thực hiện "
            "dự án từ năm 2026 đến năm 2029.",
        ],
        [],
    ),
    "quy_che": (
        "Quyết định ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh nhiệm kỳ 2021-2026",
        [
            "QUYẾT ĐỊNH Ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh Ninh Bình nhiệm kỳ 2021-2026. "
            "Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc của Ủy ban nhân dân tỉnh.",
            "Quy chế quy định nguyên tắc, chế độ trách nhiệm, lề lối làm việc, trình tự giải quyết công việc "
            "và quan hệ công tác của Ủy ban nhân dân tỉnh. Phiên họp thường kỳ được tổ chức mỗi tháng một lần.",
            "Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc các sở, Thủ trưởng các ban, ngành và Chủ "
            "tịch Ủy ban nhân dân các xã, phường chịu trách nhiệm thi hành Quyết định này.",
        ],
        [],
    ),
    "gia_dat": (
        "Biên bản họp Hội đồng thẩm định giá đất cụ thể của tỉnh",
        [
            "BIÊN BẢN Họp Hội đồng thẩm định giá đất cụ thể. Thời gian: 14 giờ 00 ngày 20 tháng 11 năm 2025. "
            "Địa điểm: phòng họp số 2, Sở Tài chính. Chủ trì: Phó Giám đốc Sở Tài chính.",
            "Hội đồng thống nhất giá đất cụ thể để tính tiền bồi thường khi Nhà nước thu hồi đất thực hiện "
            "dự án đường ven biển là 1.200.000 đồng/m2 đối với đất trồng lúa.",
            "Ý kiến khác: đề nghị rà soát hệ số điều chỉnh giá đất tại các vị trí giáp ranh. Cuộc họp kết thúc "
            "lúc 16 giờ 30 cùng ngày; biên bản đã được thông qua và các thành viên dự họp cùng ký.",
        ],
        [],
    ),
    "chuyen_doi_so": (
        "Kế hoạch chuyển đổi số tỉnh Ninh Bình năm 2026",
        [
            "KẾ HOẠCH Chuyển đổi số tỉnh Ninh Bình năm 2026. Mục tiêu: 100% hồ sơ công việc tại cấp tỉnh "
            "được xử lý trên môi trường mạng; 80% dịch vụ công trực tuyến toàn trình.",
            "Triển khai Hệ thống thông tin phục vụ họp và xử lý công việc (eCabinet) đến các xã, phường; "
            "bảo đảm an toàn thông tin theo cấp độ; đào tạo kỹ năng số cho cán bộ, công chức.",
            "Kinh phí thực hiện từ nguồn ngân sách tỉnh và nguồn xã hội hóa. Sở Khoa học và Công nghệ là "
            "cơ quan thường trực, tổng hợp báo cáo Ủy ban nhân dân tỉnh.",
        ],
        [],
    ),
    "thien_tai": (
        "Báo cáo kết quả công tác phòng, chống thiên tai và tìm kiếm cứu nạn năm 2025",
        [
            "BÁO CÁO Kết quả công tác phòng, chống thiên tai và tìm kiếm cứu nạn năm 2025. Trong năm, trên địa "
            "bàn tỉnh chịu ảnh hưởng của 3 cơn bão và 2 đợt mưa lớn gây ngập úng cục bộ.",
            "Thiệt hại ước tính 215 tỷ đồng, chủ yếu về nông nghiệp và hệ thống đê điều. Lực lượng vũ trang "
            "đã sơ tán 4.200 hộ dân khỏi vùng nguy hiểm.",
            "Phương hướng năm 2026: củng cố Ban chỉ huy phòng thủ dân sự các cấp, nâng cấp đê biển Bình Minh, "
            "bố trí vốn ngân sách tỉnh để khắc phục hậu quả.",
        ],
        [],
    ),
    "hoa_lu": (
        "Tờ trình đề nghị thành lập phường Hoa Lư trên cơ sở sắp xếp đơn vị hành chính cấp xã",
        [],  # a text without pages (e.g. converted before pages were kept)
        [],
    ),
    "trang_an": (
        "Kế hoạch tổ chức Lễ hội Tràng An năm 2026",
        [
            "KẾ HOẠCH Tổ chức Lễ hội Tràng An năm 2026. Thời gian: từ ngày 6 tháng Giêng đến hết tháng Ba âm "
            "lịch. Địa điểm: Khu du lịch sinh thái Tràng An và đền Trình.",
            "Nội dung: phần lễ gồm lễ rước kiệu, dâng hương; phần hội gồm thi bơi thuyền, chèo đò, văn nghệ "
            "dân gian. Bảo đảm an ninh trật tự, an toàn giao thông và vệ sinh môi trường.",
            "Kinh phí tổ chức lễ hội từ nguồn xã hội hóa; Sở Văn hóa, Thể thao và Du lịch chủ trì.",
        ],
        [],
    ),
    "thuc_pham": (
        "Công văn về việc tăng cường quản lý an toàn thực phẩm dịp Tết Nguyên đán",
        [
            "CÔNG VĂN Về việc tăng cường quản lý an toàn thực phẩm dịp Tết Nguyên đán Bính Ngọ 2026. "
            "Ủy ban nhân dân tỉnh yêu cầu các sở, ngành và địa phương thực hiện nghiêm các nội dung sau.",
            "Tổ chức các đoàn kiểm tra liên ngành về an toàn thực phẩm; xử lý nghiêm các cơ sở sản xuất, "
            "kinh doanh thực phẩm không bảo đảm điều kiện vệ sinh; công khai kết quả kiểm tra.",
        ],
        [1, 2],  # a scanned letter: every page read by OCR
    ),
}

# The end of every letter: who receives it. The same words in every document.
RECIPIENTS = (
    "Nơi nhận: Thường trực Tỉnh ủy; Thường trực Hội đồng nhân dân tỉnh; Chủ tịch, các Phó Chủ tịch Ủy ban "
    "nhân dân tỉnh; các sở, ban, ngành; Ủy ban nhân dân các xã, phường; lưu: VT."
)

HOA_LU_TEXT = (
    "TỜ TRÌNH Đề nghị thành lập phường Hoa Lư trên cơ sở nhập nguyên trạng diện tích tự nhiên và quy mô "
    "dân số của các phường Ninh Giang, Ninh Khánh. Phường Hoa Lư có diện tích 21,5 km2, quy mô dân số "
    "35.600 người, đạt tiêu chuẩn theo Nghị quyết số 76/2025/UBTVQH15. Hồ sơ đã lấy ý kiến cử tri với tỷ "
    "lệ đồng thuận 96,8%; Hội đồng nhân dân các cấp đã thông qua chủ trương sắp xếp đơn vị hành chính."
)

# What a reader types, and the document they want. Most are phrases of the document; some are a
# few words from different places ("keywords"), where only relevance ranking can put it first.
QUERIES: list[tuple[str, str]] = [
    ("kế hoạch đầu tư công trung hạn", "dau_tu_cong"),
    ("danh mục dự án khởi công mới", "dau_tu_cong"),
    ("nợ đọng xây dựng cơ bản", "dau_tu_cong"),
    ("phân bổ vốn đầu tư công", "dau_tu_cong"),
    ("dự toán ngân sách nhà nước năm 2025", "du_toan"),
    ("tiết kiệm chi thường xuyên cải cách tiền lương", "du_toan"),
    ("thương mại điện tử", "du_toan"),
    ("chủ trương đầu tư dự án đường ven biển", "ven_bien"),
    ("tổng mức đầu tư Kim Sơn", "ven_bien"),
    ("đường cấp III đồng bằng", "ven_bien"),
    ("giải phóng mặt bằng Kim Sơn", "ven_bien"),
    ("quy chế làm việc", "quy_che"),
    ("phiên họp thường kỳ", "quy_che"),
    ("lề lối làm việc", "quy_che"),
    ("hội đồng thẩm định giá đất", "gia_dat"),
    ("giá đất cụ thể", "gia_dat"),
    ("hệ số điều chỉnh giá đất", "gia_dat"),
    ("chuyển đổi số", "chuyen_doi_so"),
    ("dịch vụ công trực tuyến toàn trình", "chuyen_doi_so"),
    ("kỹ năng số cho cán bộ", "chuyen_doi_so"),
    ("phòng chống thiên tai", "thien_tai"),
    ("tìm kiếm cứu nạn", "thien_tai"),
    ("đê biển Bình Minh", "thien_tai"),
    ("thành lập phường Hoa Lư", "hoa_lu"),
    ("sắp xếp đơn vị hành chính cấp xã", "hoa_lu"),
    ("lấy ý kiến cử tri", "hoa_lu"),
    ("lễ hội Tràng An", "trang_an"),
    ("thi bơi thuyền chèo đò", "trang_an"),
    ("an toàn thực phẩm", "thuc_pham"),
    ("đoàn kiểm tra liên ngành", "thuc_pham"),
    ("Tết Nguyên đán", "thuc_pham"),
    ("tình hình kinh tế xã hội năm 2025", "kinh_te_xa_hoi"),
    ("tổng sản phẩm trên địa bàn", "kinh_te_xa_hoi"),
    ("chương trình công tác năm 2026", "chuong_trinh"),
]


def build(meeting: Any, creator: Any) -> dict[str, Document]:
    """The test set in `meeting`, as conversion leaves it: text, page texts, OCR pages, search text."""
    made: dict[str, Document] = {}
    for key, (title, pages, ocr_pages) in DOCUMENTS.items():
        if pages:
            pages = [*pages[:-1], f"{pages[-1]} {RECIPIENTS}"]
        text = "\n".join(pages) if pages else f"{HOA_LU_TEXT} {RECIPIENTS}"
        document = add_document(meeting, creator, title=title, text=text, pages=max(1, len(pages)))
        DocumentVersion.objects.filter(document=document).update(page_texts=pages, ocr_pages=ocr_pages)
        Document.objects.filter(pk=document.pk).update(search_text=fold(f"{title} {text}"))
        made[key] = document
    return made
